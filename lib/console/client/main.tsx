/** The console's entry: sign-in, the frame (navigation, sign-out) and the view the address names. */
import 'uplot/dist/uPlot.min.css';
import './console.css';
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { forgetToken, storedToken } from './api';
import { link, useRoute, type Route } from './router';
import { SignIn } from './views/sign-in';
import { Projects } from './views/projects';
import { Devices } from './views/devices';
import { DeviceView } from './views/device';
import { CreateDevice } from './views/create-device';
import { SpotMarket } from './views/spot';
import { DataCenters } from './views/datacenters';
import { Operator } from './views/operator';

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'projects':
      return <Projects />;
    case 'devices':
      return <Devices project={route.project} />;
    case 'create':
      return <CreateDevice project={route.project} />;
    case 'device':
      return <DeviceView id={route.id} />;
    case 'spot':
      return <SpotMarket project={route.project} />;
    case 'datacenters':
      return <DataCenters />;
    case 'operator':
      return <Operator facility={route.facility} />;
    case 'unknown':
      return (
        <section>
          <h1>Not found</h1>
          <p>
            The console has no page at “{route.path}”. <a href={link.projects()}>See your projects</a>.
          </p>
        </section>
      );
  }
}

const NAV: [string, string, Route['view'][]][] = [
  ['Projects', link.projects(), ['projects', 'devices', 'create', 'device']],
  ['Spot market', link.spot(), ['spot']],
  ['Data centers', link.datacenters(), ['datacenters']],
  ['Operator', link.operator(), ['operator']],
];

function App() {
  const route = useRoute();
  const [signedIn, setSignedIn] = useState(() => storedToken() !== null);
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  const signOut = () => {
    forgetToken();
    setSignedIn(false);
  };
  return (
    <>
      <header class="top">
        <span class="brand">metalforge</span>
        <nav aria-label="Console">
          <ul>
            {NAV.map(([label, href, views]) => (
              <li key={href}>
                <a href={href} aria-current={views.includes(route.view) ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <View route={route} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
