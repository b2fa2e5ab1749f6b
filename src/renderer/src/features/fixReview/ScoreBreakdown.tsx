import type { ScoreBreakdown as Score } from '../../../../shared/afe/types';
import { scoreRows, scoreText } from '../../../../shared/model/fixReview';
import './ScoreBreakdown.css';

/** A candidate's score by the product's six weights (pure view): factor, weight, value as a bar, weight × value. */
export function ScoreBreakdown({ score }: { score: Score }): React.JSX.Element {
  const rows = scoreRows(score);
  return (
    <table className="score-breakdown" aria-label="Score breakdown">
      <thead>
        <tr>
          <th scope="col">Factor</th>
          <th scope="col" className="num">
            Weight
          </th>
          <th scope="col">Value</th>
          <th scope="col" className="num">
            Points
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.factor} data-factor={r.factor}>
            <th scope="row">{r.label}</th>
            <td className="num">{r.weight.toFixed(2)}</td>
            <td>
              <span className="sb-bar" aria-hidden="true">
                <span className="sb-fill" style={{ width: `${Math.round(r.value * 100)}%` }} />
              </span>
              <span className="sb-value">{scoreText(r.value)}</span>
            </td>
            <td className="num">{r.contribution.toFixed(3)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td />
          <td />
          <td className="num sb-total">{scoreText(score.total)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
