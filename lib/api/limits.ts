// Request limits of the API, shared by the handler and the document.
export const MAX_BODY_BYTES = 64 * 1024;
