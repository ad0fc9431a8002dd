/** Where a published port binds when the manifest names no address: loopback, never every interface. */
export const DEFAULT_HOST_IP = '127.0.0.1';

/** The controller's name when `--name` is not given. */
export const DEFAULT_CONTROLLER_NAME = 'default';

/** What the name of every container and route the controller makes starts with (`tf-web-image-1-3f2a9c1b`). */
export const NAME_PREFIX = 'tf';
