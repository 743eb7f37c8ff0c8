/** The projects the token can see, each with its device count and links to its devices and spot requests. */
import { allPages } from '../api';
import { link } from '../router';
import type { Project } from '../types';
import { ErrorLine, Loading, useLoad, when } from './common';

export function Projects() {
  const projects = useLoad('projects', (signal) => allPages<Project>('/projects', 'projects', () => undefined, signal));
  return (
    <section aria-labelledby="projects-title">
      <h1 id="projects-title">Projects</h1>
      {projects.error !== undefined && <ErrorLine error={projects.error} />}
      {!projects.data && projects.error === undefined && <Loading what="projects" />}
      {projects.data && projects.data.length === 0 && <p>No projects yet: create one with the API (POST /metal/v1/projects).</p>}
      {projects.data && projects.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Devices</th>
              <th scope="col">Created</th>
              <th scope="col">Spot requests</th>
            </tr>
          </thead>
          <tbody>
            {projects.data.map((project) => (
              <tr key={project.id}>
                <td>
                  <a href={link.devices(project.id)}>{project.name}</a>
                </td>
                <td>{project.devices.length}</td>
                <td>{when(project.created_at)}</td>
                <td>
                  <a href={link.spot(project.id)}>
                    Spot requests<span class="visually-hidden"> of {project.name}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
