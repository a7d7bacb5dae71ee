import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** The HTTP methods an OpenAPI path item can hold operations for. */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** One operation of an OpenAPI document: its method, path template and operationId. */
export interface SpecOperation {
  /** Upper-case HTTP method, e.g. `GET`. */
  readonly method: string;
  /** The path template as the document writes it, e.g. `/items/{item_id}`. */
  readonly path: string;
  readonly operationId?: string;
}

/** Escapes a key for a JSON pointer (RFC 6901). */
function pointerKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Where an operation is in its document: `<file>#/paths/<path>[/<method>]`, for errors. */
export function operationPointer(specPath: string, route: string, method?: string): string {
  return `${specPath}#/paths/${pointerKey(route)}${method ? `/${method.toLowerCase()}` : ''}`;
}

/**
 * Reads the operations of an OpenAPI 3.x document (YAML or JSON), in document order.
 *
 * Errors name the file and the JSON pointer of the offending node.
 */
export function readOperations(specPath: string): SpecOperation[] {
  let text: string;
  try {
    text = fs.readFileSync(specPath, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the OpenAPI document ${specPath}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = path.extname(specPath).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new Error(`${specPath} is not valid ${path.extname(specPath) === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  if (!isObject(doc) || typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.')) {
    throw new Error(`${specPath}: not an OpenAPI 3.x document (no "openapi: 3.x" at #/openapi)`);
  }
  if (!isObject(doc.paths)) {
    throw new Error(`${specPath}#/paths: expected an object of path items`);
  }
  const operations: SpecOperation[] = [];
  for (const [route, item] of Object.entries(doc.paths)) {
    const pointer = operationPointer(specPath, route);
    if (!route.startsWith('/')) {
      throw new Error(`${pointer}: a path must start with "/"`);
    }
    if (!isObject(item)) {
      throw new Error(`${pointer}: expected a path item object`);
    }
    if ('$ref' in item) {
      throw new Error(`${pointer}: path items given by $ref are not supported here; inline the path item`);
    }
    for (const method of METHODS) {
      if (item[method] === undefined) continue;
      const operation = item[method];
      if (!isObject(operation)) {
        throw new Error(`${pointer}/${method}: expected an operation object`);
      }
      operations.push({
        method: method.toUpperCase(),
        path: route,
        operationId: typeof operation.operationId === 'string' ? operation.operationId : undefined,
      });
    }
  }
  if (operations.length === 0) {
    throw new Error(`${specPath}#/paths: the document has no operations`);
  }
  return operations;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
