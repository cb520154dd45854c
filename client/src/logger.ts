// The client's one logging seam. The browser console is the only sink; the prefix keeps
// Concord's lines findable next to the browser's own WebRTC messages.
const PREFIX = '[concord]';

export const log = {
  info(message: string, detail?: unknown): void {
    console.info(PREFIX, message, ...(detail === undefined ? [] : [detail]));
  },
  warn(message: string, detail?: unknown): void {
    console.warn(PREFIX, message, ...(detail === undefined ? [] : [detail]));
  },
  error(message: string, detail?: unknown): void {
    console.error(PREFIX, message, ...(detail === undefined ? [] : [detail]));
  },
};
