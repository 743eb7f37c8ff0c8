export function Operator({ facility }: { facility?: string }) {
  return <h1>Operator {facility}</h1>;
}
