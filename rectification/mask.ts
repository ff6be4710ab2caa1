// Persons in item and proposal JSON leave the server masked, as every person
// field does (cube/api/masking.ts): ID 419801********1234, name 张*三.
import { maskIdNumber, maskName } from '../cube/api/masking.ts';

export { maskIdNumber, maskName };

export interface Person {
  id_number: string;
  name: string;
}

export function maskPersons(persons: Person[]): Person[] {
  return persons.map((p) => ({ id_number: maskIdNumber(p.id_number), name: maskName(p.name) }));
}
