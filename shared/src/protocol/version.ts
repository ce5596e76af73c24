/** The protocol version this build speaks. A hub accepts agents speaking any version in SUPPORTED_PROTOCOL_VERSIONS. */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1];
