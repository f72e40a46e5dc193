"use strict";

/** Why capx-mock could not start, or a control call failed; `code` says which. */
class CapxMockError extends Error {
  /**
   * @param {import("./index").CapxMockErrorCode} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = "CapxMockError";
    this.code = code;
  }
}

exports.CapxMockError = CapxMockError;
