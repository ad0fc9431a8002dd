/** Where a published port binds when the manifest names no address: loopback, never every interface. */
export const DEFAULT_HOST_IP = '127.0.0.1';

/** The controller's name when `--name` is not given. */
export const DEFAULT_CONTROLLER_NAME = 'default';
