// The `POST /v1/generate` request and response: a prompt plus a budget or a candidate count in,
// the winning image with every candidate's score, the timings and the credits charged out.
import { z } from "@hono/zod-openapi";
import {
  BudgetMsSchema,
  CandidateCountSchema,
  MimeTypeSchema,
  OUTPUT_FORMATS,
  PROMPT_MAX_CHARS,
  RESPONSE_FORMAT_DESCRIPTION,
  RESPONSE_FORMATS,
  requestEnum,
  SeedSchema,
  SizeSchema,
  VERIFIER_DESCRIPTION,
  VERIFIERS,
} from "./common.js";

export const PromptSchema = z
  .string({ message: "prompt must be a string" })
  .trim()
  .min(1, { message: "prompt must not be empty or only whitespace" })
  .max(PROMPT_MAX_CHARS, { message: `prompt must be at most ${PROMPT_MAX_CHARS} characters after trimming` })
  .openapi({
    description: "What to draw; 1–2000 characters after trimming.",
    example: "a red fox in snow",
    // Not only whitespace: the trimmed prompt must not be empty.
    pattern: "\\S",
  });

export const GenerateRequestSchema = z
  .strictObject({
    prompt: PromptSchema,
    budget_ms: BudgetMsSchema.optional(),
    n: CandidateCountSchema.optional(),
    max_n: CandidateCountSchema.optional().openapi({
      description:
        "With `budget_ms`: the most candidates to run. The service runs as many as the budget and the " +
        "current load allow, up to this; `n` in the response says how many ran.",
    }),
    seed: SeedSchema.optional().openapi({
      description: "Seed of candidate 0; candidate i uses (seed + i) mod 2^32. Absent: random, and returned.",
    }),
    size: SizeSchema.optional().openapi({
      description: "One of the model's sizes (`GET /v1/models`); default its native size.",
    }),
    verifier: requestEnum(VERIFIERS, "vhs", VERIFIER_DESCRIPTION),
    output_format: requestEnum(OUTPUT_FORMATS, "png", "Image encoding of the result."),
    response_format: requestEnum(RESPONSE_FORMATS, "b64_json", RESPONSE_FORMAT_DESCRIPTION),
  })
  .superRefine((request, ctx) => {
    const hasBudget = request.budget_ms !== undefined;
    const hasN = request.n !== undefined;
    if (hasBudget === hasN) {
      ctx.addIssue({
        code: "custom",
        path: hasBudget ? ["n"] : ["budget_ms"],
        message: hasBudget
          ? "send exactly one of budget_ms or n, not both"
          : "send exactly one of budget_ms or n",
      });
    }
    if (request.max_n !== undefined && request.budget_ms === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["max_n"],
        message: "max_n caps a budget's candidates: send it with budget_ms (an explicit n is exact)",
      });
    }
    if (request.verifier === "none" && request.n !== undefined && request.n !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["n"],
        message: 'verifier "none" scores nothing, so n must be 1',
      });
    }
  })
  .openapi("GenerateRequest", {
    description:
      "Exactly one of `budget_ms` (the service picks n, from the budget and the current load) or `n` " +
      "(run exactly n, or be refused with 503 when the load cannot fit it); with `verifier: none`, n is 1. " +
      "`max_n` goes with `budget_ms` only. Unknown fields are rejected.",
    // The refinements above, stated in JSON Schema so the document refuses what the server refuses.
    oneOf: [{ required: ["budget_ms"] }, { required: ["n"] }],
    // (with oneOf, "max_n beside n" is the one way max_n can lack budget_ms)
    not: {
      anyOf: [
        { required: ["verifier", "n"], properties: { verifier: { enum: ["none"] }, n: { minimum: 2 } } },
        { required: ["max_n", "n"], properties: { max_n: { minimum: 1 }, n: { minimum: 1 } } },
      ],
    },
  });
/** A request after parsing: defaults filled in, prompt trimmed. */
export type GenerateRequest = z.infer<typeof GenerateRequestSchema>;
/** What a caller may send: defaulted fields optional. */
export type GenerateRequestInput = z.input<typeof GenerateRequestSchema>;

export const CandidateSchema = z
  .object({
    index: z.number().int().min(0),
    seed: SeedSchema.openapi({ description: "This candidate's seed: the request's seed + index, mod 2^32." }),
    score: z.number().min(-1).max(1).openapi({
      description: "P(yes) when the verifier's top token is yes, else −P(no).",
    }),
    verdict: z.enum(["yes", "no"]),
  })
  .openapi("Candidate");
export type Candidate = z.infer<typeof CandidateSchema>;

export const TimingsSchema = z
  .object({
    queue_ms: z.number().min(0),
    text_encode_ms: z.number().min(0),
    propose_ms: z.number().min(0),
    finish_ms: z.number().min(0),
    encode_ms: z.number().min(0),
    total_ms: z.number().min(0),
  })
  .catchall(z.number().min(0))
  .openapi("Timings", {
    description: "Milliseconds per stage; modes other than vhs may add stage keys (e.g. `clip_verify_ms`).",
  });
export type Timings = z.infer<typeof TimingsSchema>;

export const UsageSchema = z
  .object({ credits: z.number().int().min(0).openapi({ description: "Candidates generated + 1." }) })
  .openapi("Usage");

const imageInfoShape = {
  mime_type: MimeTypeSchema,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
};

export const ImageSchema = z
  .object({
    b64_json: z.string().optional().openapi({ description: "Absent when `response_format` is `bytes`." }),
    ...imageInfoShape,
  })
  .openapi("Image");

export const ImageInfoSchema = z.object(imageInfoShape).openapi("ImageInfo");

const generateResponseShape = {
  id: z.string().openapi({ description: "The request id (also in `X-Request-Id`)." }),
  created: z.number().int().openapi({ description: "Unix seconds." }),
  model: z.string().openapi({ description: "Bundle id of the model that ran.", example: "tiny" }),
  image: ImageSchema,
  chosen_index: z.number().int().min(0).openapi({ description: "Index of the winning candidate." }),
  candidates: z.array(CandidateSchema),
  n: z.number().int().min(1).openapi({ description: "Candidates actually generated and scored." }),
  n_requested: z.number().int().min(1).openapi({ description: "Candidates asked for or planned." }),
  load_limited: z.boolean().openapi({
    description:
      "True when other requests' load (sharing the backend within the deadline) allowed fewer candidates " +
      "than `n_requested`; `n` is what the load allowed.",
  }),
  planned_ms: z
    .number()
    .nullable()
    .openapi({ description: "The planner's prediction when the request had a budget, else null." }),
  timings: TimingsSchema,
  usage: UsageSchema,
};

export const GenerateResponseSchema = z.object(generateResponseShape).openapi("GenerateResponse", {
  description: "`candidates[0].seed` is the request's seed (the random one, when the request sent none).",
});
export type GenerateResponse = z.infer<typeof GenerateResponseSchema>;

/** The `X-Tinyscale-Metadata` header's JSON when `response_format` is `bytes`: the response minus the image data. */
export const GenerateMetadataSchema = z
  .object({
    ...generateResponseShape,
    image: ImageInfoSchema,
  })
  .openapi("GenerateMetadata");
export type GenerateMetadata = z.infer<typeof GenerateMetadataSchema>;
