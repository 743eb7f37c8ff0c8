/** Reusable attribute plan modifiers, in the spirit of terraform-plugin-framework's. */
import type { AttributePlanModifier, AttributePlanRequest } from './definitions';
import { isUnknown, valuesEqual } from './values';

/** Keep the prior state's value instead of "known after apply" when the config does not set the attribute. */
export const useStateForUnknown: AttributePlanModifier = {
  description: 'the value does not change after creation unless configured',
  modify: ({ config, prior, planned, resource }) => {
    if (resource.prior === null || !isUnknown(planned) || isUnknown(config) || config !== null) return;
    return { planned: prior };
  },
};

/** A change of this attribute on an existing resource forces replacement. */
export const requiresReplace: AttributePlanModifier = requiresReplaceIf(() => true, 'changing the value replaces the resource');

/** A change forces replacement when `condition` says so (e.g. only growing a disk is in place). */
export function requiresReplaceIf(condition: (request: AttributePlanRequest) => boolean, description: string): AttributePlanModifier {
  return {
    description,
    modify: (request) => {
      if (request.resource.prior === null || valuesEqual(request.planned, request.prior)) return;
      // An unknown planned value that comes from config is a change too; unknown from "computed" is not known to be one.
      if (isUnknown(request.planned) && request.config === null) return;
      if (condition(request)) return { requiresReplace: true };
    },
  };
}
