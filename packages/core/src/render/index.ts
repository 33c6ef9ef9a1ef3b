export { escapeHtml } from "../personalize/escape-html.js";
export type { CompiledEmail, EmailContent } from "./compile-email.js";
export type { EmailSegment, ValuePart } from "./email-segment.js";
export { threadSubject } from "./email-subject.js";
export type { MjmlCompiler, MjmlOptions, MjmlResult } from "./mjml-body.js";
export type { RenderedEmail } from "./render-email.js";
export { createRenderer, type Renderer, type RendererOptions } from "./renderer.js";
