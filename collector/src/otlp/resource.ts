import type { Attributes } from '@sightline/model/rows';
import { attributes, optObj, str, type MapLimits } from './values.ts';

/** What every row of one resource/scope block shares. */
export interface ResourceScope {
  readonly resourceAttributes: Attributes;
  readonly serviceName: string;
  readonly resourceSchemaUrl: string;
  readonly scopeName: string;
  readonly scopeVersion: string;
  readonly scopeAttributes: Attributes;
  readonly scopeDroppedAttrCount: number;
  readonly scopeSchemaUrl: string;
}

export function resourceOf(
  block: Record<string, unknown>,
  limits: MapLimits,
  path: string,
): Pick<ResourceScope, 'resourceAttributes' | 'serviceName' | 'resourceSchemaUrl'> {
  const resource = optObj(block.resource, path, 'resource');
  const resourceAttributes = attributes(
    resource.attributes,
    limits,
    `${path}.resource`,
    'attributes',
  );
  return {
    resourceAttributes,
    serviceName: resourceAttributes['service.name'] ?? '',
    resourceSchemaUrl: str(block.schemaUrl, path, 'schemaUrl'),
  };
}

export function scopeOf(
  block: Record<string, unknown>,
  limits: MapLimits,
  path: string,
): Pick<
  ResourceScope,
  'scopeName' | 'scopeVersion' | 'scopeAttributes' | 'scopeDroppedAttrCount' | 'scopeSchemaUrl'
> {
  const scope = optObj(block.scope, path, 'scope');
  const dropped = scope.droppedAttributesCount;
  return {
    scopeName: str(scope.name, `${path}.scope`, 'name'),
    scopeVersion: str(scope.version, `${path}.scope`, 'version'),
    scopeAttributes: attributes(scope.attributes, limits, `${path}.scope`, 'attributes'),
    scopeDroppedAttrCount: typeof dropped === 'number' ? dropped : 0,
    scopeSchemaUrl: str(block.schemaUrl, path, 'schemaUrl'),
  };
}
