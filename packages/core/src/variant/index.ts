export {
  type AssignVariantInput,
  assignVariant,
  assignVariantInputSchema,
  variantContentForStep,
} from "./assign-variant.js";
