import { useMemo, type ReactNode } from 'react';
import { AbilityProvider as CaslAbilityProvider, Can, useAbility } from '@casl/react';
import { abilityFromRules, type AppAbility, type PackedRules } from '~/authz/ability';

// The browser rebuilds the ability from the rules the server packed, to decide what to show
// (<Can I="claim" this={appeal}>). Every action is still checked on the server.
export { Can };
export const useAppAbility = () => useAbility<AppAbility>();

export function AbilityProvider({ rules, children }: { rules: unknown[]; children: ReactNode }) {
  const ability = useMemo(() => abilityFromRules(rules as PackedRules), [rules]);
  return <CaslAbilityProvider value={ability}>{children}</CaslAbilityProvider>;
}
