/**
 * Nominal ("branded") types: a Price is never mistaken for a Qty even though both are decimals,
 * and a ClientOrderId never for any other string. The brand exists only at compile time.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };
