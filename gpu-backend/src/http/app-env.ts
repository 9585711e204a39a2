// The Hono environment of the backend app: per-request variables set by middleware.

export type AppEnv = {
  Variables: {
    requestId: string;
    /** Set by errorResponse so one middleware counts every error response by code. */
    errorCode: string | undefined;
  };
};
