import type { TemplateValues } from "../personalize/render-template.js";
import { type CompiledEmail, compileEmail, type EmailContent } from "./compile-email.js";
import type { MjmlCompiler } from "./mjml-body.js";
import { type RenderedEmail, renderEmail } from "./render-email.js";

export interface RendererOptions {
  /** Compiled emails kept, least recently used dropped first. Default 500. */
  maxCacheEntries?: number;
  /** Compiles MJML bodies. Default: `mjml`, loaded into this process on the first MJML email. */
  mjml?: MjmlCompiler;
}

/** Compiles email content once and renders it per lead. Create one per engine; it is pure. */
export interface Renderer {
  /**
   * Compiles content, or returns the cached compilation of identical content (concurrent calls share
   * one compile). Throws `TEMPLATE_SYNTAX` or `MJML_INVALID`.
   */
  compile(content: EmailContent): Promise<CompiledEmail>;
  /** Renders a compiled email for one lead: a string build, no compiling. */
  render(compiled: CompiledEmail, values: TemplateValues, options: { seed: string }): RenderedEmail;
  /** Compiles content without caching it, for checking a campaign when it is saved; throws like `compile`. */
  validate(content: EmailContent): Promise<void>;
}

/**
 * Creates a renderer whose compilations are cached by content.
 *
 * ```ts
 * const renderer = createRenderer();
 * const email = await renderer.compile({ format: "mjml", subject: "Hi {{first_name}}", body: mjml });
 * const out = renderer.render(email, prospectValues(prospect), { seed: lead.id });
 * if (!out.ok) console.log("missing", out.missing);
 * ```
 */
export function createRenderer(options: RendererOptions = {}): Renderer {
  const maxEntries = Math.max(1, options.maxCacheEntries ?? 500);
  const cache = new Map<string, Promise<CompiledEmail>>();

  return {
    compile(content) {
      const key = `${content.format}\u0000${content.subject}\u0000${content.body}`;
      const cached = cache.get(key);
      if (cached) {
        // Re-inserting marks the entry most recently used: Map keeps insertion order.
        cache.delete(key);
        cache.set(key, cached);
        return cached;
      }
      const compiling = compileEmail(content, options.mjml);
      cache.set(key, compiling);
      compiling.catch(() => {
        if (cache.get(key) === compiling) cache.delete(key);
      });
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      return compiling;
    },
    render: renderEmail,
    async validate(content) {
      await compileEmail(content, options.mjml);
    },
  };
}
