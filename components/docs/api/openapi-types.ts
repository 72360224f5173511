// The parts of an OpenAPI 3.1 document the API reference reads. Loose on purpose: the document is
// generated elsewhere (lib/api/openapi.ts), and a field this page does not know is simply not shown.
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};

export type ParameterObject = { $ref?: string; name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema };
export type MediaTypes = Record<string, { schema?: JsonSchema }>;
export type HeaderObject = { description?: string; schema?: JsonSchema };
export type ResponseObject = { $ref?: string; description?: string; content?: MediaTypes; headers?: Record<string, HeaderObject> };

export type OperationObject = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  "x-required-scope"?: string;
  parameters?: ParameterObject[];
  requestBody?: { $ref?: string; description?: string; required?: boolean; content?: MediaTypes };
  responses?: Record<string, ResponseObject>;
};

export type PathItem = Record<string, OperationObject | unknown>;

export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  tags?: { name: string; description?: string }[];
  paths?: Record<string, PathItem>;
  webhooks?: Record<string, PathItem>;
  components?: {
    schemas?: Record<string, JsonSchema>;
    responses?: Record<string, ResponseObject>;
    parameters?: Record<string, ParameterObject>;
    securitySchemes?: Record<string, { type: string; scheme?: string; bearerFormat?: string; description?: string }>;
  };
};
