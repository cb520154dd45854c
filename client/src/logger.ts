/* eslint-disable no-console -- this file is the client's one logging seam; the browser console is its sink. */
// The prefix keeps Concord's lines findable next to the browser's own WebRTC messages.
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
