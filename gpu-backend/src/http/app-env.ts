// The Hono environment of the backend app: per-request variables set by middleware.

export type AppEnv = {
  Variables: {
    requestId: string;
  };
};
