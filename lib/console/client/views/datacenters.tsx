export function DataCenters() {
  return <h1>DataCenters</h1>;
}
