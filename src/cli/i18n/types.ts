/** The shape of a message catalogue: the same keys, any strings (as in the console's i18n/types.ts). */
export type Catalogue<T> = { [K in keyof T]: T[K] extends string ? string : Catalogue<T[K]> };
