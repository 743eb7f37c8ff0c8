export function SpotMarket({ project }: { project?: string }) {
  return <h1>Spot market {project}</h1>;
}
