package io.longctx.policy.serve;

/** A request the server refuses, with the HTTP status and OpenAI error type it is reported as. */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;
  final String type;
  final String param;

  private ApiError(int status, String type, String param, String message) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
  }

  static ApiError badRequest(String param, String message) {
    return new ApiError(400, "invalid_request_error", param, message);
  }

  static ApiError notFound(String param, String message) {
    return new ApiError(404, "not_found_error", param, message);
  }

  static ApiError unknownModel(String name, java.util.Collection<String> served) {
    return new ApiError(404, "not_found_error", "model",
        "The model '" + name + "' does not exist; this server serves " + served + ".");
  }

  static ApiError unauthorized() {
    return new ApiError(401, "authentication_error", null,
        "Missing or wrong API key: send 'Authorization: Bearer <key>'.");
  }

  static ApiError tooLarge(long limit) {
    return new ApiError(413, "invalid_request_error", null,
        "The request body is larger than this server's limit of " + limit + " bytes.");
  }

  static ApiError busy(int queueSize) {
    return new ApiError(503, "server_busy", null,
        "The request queue is full (" + queueSize + " requests); retry after the Retry-After delay.");
  }

  static ApiError methodNotAllowed(String method, String path) {
    return new ApiError(405, "invalid_request_error", null, method + " is not allowed on " + path + ".");
  }

  static ApiError internal(String message) {
    return new ApiError(500, "internal_error", null, message);
  }
}
