/**
 * Reusable attribute plan modifiers, in the spirit of terraform-plugin-framework's. Each carries a description of
 * what it does to a change; the generated resource docs show them per attribute (see changeDescriptions).
 */
import type { AttributePlanModifier, AttributePlanRequest, PlanContext, ResourceDefinition } from './definitions';
import { isUnknown, valuesEqual, type ValueObject } from './values';

/** What a change of an attribute without a replacing modifier does, in a resource that has update(). */
export const UPDATES_IN_PLACE = 'updates in place';

/** Keep the prior state's value instead of "known after apply" when the config does not set the attribute. */
export const useStateForUnknown: AttributePlanModifier = {
  description: 'keeps its prior value on update',
  modify: ({ config, prior, planned, resource }) => {
    if (resource.prior === null || !isUnknown(planned) || isUnknown(config) || config !== null) return;
    return { planned: prior };
  },
};

/** A change of this attribute on an existing resource forces replacement. */
export const requiresReplace: AttributePlanModifier = requiresReplaceIf(() => true, 'forces replacement');

/**
 * A change forces replacement when `condition` says so (e.g. only growing a disk is in place); `description` says
 * when, e.g. "forces replacement unless the device is already in that metro".
 */
export function requiresReplaceIf<Client = unknown, M extends ValueObject = ValueObject>(
  condition: (request: AttributePlanRequest<M>, ctx: PlanContext<Client>) => boolean | Promise<boolean>,
  description: string,
): AttributePlanModifier<Client, M> {
  return {
    description,
    replaces: true,
    modify: async (request, ctx) => {
      if (request.resource.prior === null || valuesEqual(request.planned, request.prior)) return;
      // An unknown planned value that comes from config is a change too; unknown from "computed" is not known to be one.
      if (isUnknown(request.planned) && request.config === null) return;
      if (await condition(request, ctx)) return { requiresReplace: true };
    },
  };
}

/**
 * How a change of one top-level attribute or block applies, in words for the docs: the descriptions of its replacing
 * modifiers, else "updates in place" (for arguments; a resource without update() replaces on every change), then
 * the descriptions of its other modifiers.
 */
export function changeDescriptions(
  definition: Pick<ResourceDefinition, 'planModifiers' | 'update'>,
  name: string,
  argument: boolean,
): string[] {
  const modifiers = definition.planModifiers?.[name] ?? [];
  const replacing = definition.update ? modifiers.filter((m) => m.replaces).map((m) => m.description) : [requiresReplace.description];
  const change = argument ? (replacing.length > 0 ? replacing : [UPDATES_IN_PLACE]) : [];
  return [...change, ...modifiers.filter((m) => !m.replaces).map((m) => m.description)];
}
