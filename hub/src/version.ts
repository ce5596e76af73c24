/** The hub's version, kept equal to package.json by a test. */
export const HUB_VERSION = '0.1.0';
