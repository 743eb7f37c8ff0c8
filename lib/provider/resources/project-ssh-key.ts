/** metal_project_ssh_key: an SSH key of one project (installed on its devices); moving it to another project replaces it. */
import { requiresReplace } from '../framework';
import { METAL_PROJECT_SSH_KEY_RESOURCE, type MetalProjectSshKeyResourceModel } from '../generated/models';
import { sshKeyResource } from './ssh-key';
import { str } from './support';

export const projectSshKeyResource = sshKeyResource<MetalProjectSshKeyResourceModel>(
  'metal_project_ssh_key',
  METAL_PROJECT_SSH_KEY_RESOURCE,
  (client, input, planned) => client.api.sshKeys.createForProject(str(planned.project_id)!, input),
  { planModifiers: { project_id: [requiresReplace] } },
);
