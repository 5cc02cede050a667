/**
 * Policies receive resource properties as untyped JSON. These narrow one value to the shape a check
 * expects, so a property that is missing or shaped otherwise reads as absent instead of throwing.
 */
export type Props = Readonly<Record<string, unknown>>;

export function asProps(value: unknown): Props | undefined {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Props) : undefined;
}

export function asList(value: unknown): readonly unknown[] {
    return Array.isArray(value) ? value : [];
}

export function asText(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** The strings among a single property and its plural twin, e.g. sourceAddressPrefix and sourceAddressPrefixes. */
export function textsOf(props: Props, single: string, plural: string): string[] {
    return [props[single], ...asList(props[plural])].filter((value): value is string => typeof value === "string");
}
