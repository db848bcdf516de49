// The config schema as a validate function. Run from source, ajv compiles it here; the build
// replaces the emitted dist/core/config/compiledSchema.js with ajv's standalone code for the
// same schema (scripts/build/write-schema.mjs), so the CLI neither loads nor runs ajv's
// compiler at start-up (about 150 ms at every command).
import { Ajv, type ValidateFunction } from 'ajv';
import { configSchema } from './schema.js';

export const validateSchema: ValidateFunction = new Ajv({ allErrors: true, strict: false }).compile(configSchema);
