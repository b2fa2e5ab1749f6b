/** Version of the SDK written into every run's metadata. */
export const SDK_VERSION = '0.1.0';
