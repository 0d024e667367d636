/**
 * Registers tfjs-core's gradient functions, which its Node/CommonJS entry point leaves out.
 *
 * `import "@tensorflow/tfjs-core/dist/register_all_gradients.js"` fails under Deno: those ES
 * module files import siblings without the `.js` extension. So this module reads each gradient
 * file listed by `register_all_gradients.js`, binds its imports to the public tfjs-core API of
 * the already-loaded package (all of them are re-exported there) and registers the configs. The
 * few gradient files that need non-public ops (pooling and convolution backprops) are skipped.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** What {@linkcode registerAllGradients} did. */
export interface GradientRegistration {
  /** Number of gradient configs now registered by this module. */
  registered: number;
  /** Gradient files that could not be bound to the public API (not needed by transformers). */
  skipped: string[];
}

let done: GradientRegistration | undefined;

/**
 * Registers every tfjs-core gradient that is not registered yet. Idempotent; needs read access
 * to `node_modules`. Called by `initBackend`.
 */
export function registerAllGradients(): GradientRegistration {
  if (done) return done;
  const dist = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-core"));
  const index = Deno.readTextFileSync(join(dist, "register_all_gradients.js"));
  const loader = new ModuleLoader(dist);
  let registered = 0;
  const skipped: string[] = [];
  for (const m of index.matchAll(/import\s*\{\s*(\w+)\s*\}\s*from\s*'\.\/(gradients\/\w+)'/g)) {
    const [, name, file] = m;
    let config: tf.GradConfig;
    try {
      config = loader.load(`${file}.js`)[name] as tf.GradConfig;
    } catch (e) {
      skipped.push(`${file} (${(e as Error).message})`);
      continue;
    }
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
    registered++;
  }
  done = { registered, skipped };
  return done;
}

type Exports = Record<string, unknown>;

/** Evaluates tfjs-core's small ES module files with imports bound to the public API. */
class ModuleLoader {
  #cache = new Map<string, Exports>();
  constructor(readonly dist: string) {}

  load(file: string): Exports {
    const cached = this.#cache.get(file);
    if (cached) return cached;
    const source = Deno.readTextFileSync(join(this.dist, file));
    const exported: string[] = [];
    const body = source
      .replace(/^\/\/# sourceMappingURL=.*$/m, "")
      .replace(
        /import\s*\{([^}]*)\}\s*from\s*'([^']+)';/g,
        (_, names: string, spec: string) => {
          const bindings = names.split(",").map((n) => n.trim()).filter(Boolean)
            .map((n) => n.replace(/\s+as\s+/, ": "));
          return `const { ${bindings.join(", ")} } = $import(${JSON.stringify(spec)});`;
        },
      )
      .replace(
        /import\s*\*\s*as\s+(\w+)\s+from\s*'([^']+)';/g,
        (_, name: string, spec: string) => `const ${name} = $namespace(${JSON.stringify(spec)});`,
      )
      .replace(/export\s+(const|let|function)\s+(\w+)/g, (_, kind: string, name: string) => {
        exported.push(name);
        return `${kind} ${name}`;
      });
    if (/^\s*(import|export)\s/m.test(body)) throw new Error("unsupported module syntax");
    const dir = dirname(file);
    const $import = (spec: string) => this.#resolve(dir, spec);
    const $namespace = (spec: string) => this.#namespace(spec);
    const run = new Function(
      "$import",
      "$namespace",
      `${body}\nreturn { ${exported.join(", ")} };`,
    );
    const exports = run($import, $namespace) as Exports;
    this.#cache.set(file, exports);
    return exports;
  }

  #resolve(dir: string, spec: string): Exports {
    if (spec.startsWith("./")) return this.load(join(dir, `${spec}.js`));
    // Everything else is a tfjs-core internal whose exports are public under some namespace.
    return new Proxy({}, {
      get: (_, name: string) => {
        if (name === "ENGINE") return tf.engine();
        const value = lookup(name);
        if (value === undefined) throw new Error(`${name} from '${spec}' is not public`);
        return value;
      },
    });
  }

  #namespace(spec: string): unknown {
    const name = spec.split("/").pop()!;
    if (name === "util") return tf.util;
    if (name === "broadcast_util") return tf.broadcast_util;
    return tf.backend_util; // axis_util, conv_util
  }
}

function lookup(name: string): unknown {
  for (const ns of [tf, tf.util, tf.backend_util, tf.slice_util]) {
    const value = (ns as unknown as Exports)[name];
    if (value !== undefined) return value;
  }
  return undefined;
}
