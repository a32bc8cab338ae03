/** A well-formed UUID — checked before a value reaches a uuid column (PostgreSQL rejects anything else with an error). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
