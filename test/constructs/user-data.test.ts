import { parse } from 'yaml';
import { MetalValidationError, UserData } from '../../lib/constructs';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop';

describe('UserData', () => {
  test('renders a #cloud-config document from typed parts', () => {
    const text = UserData.cloudConfig({
      packages: ['nginx', 'jq'],
      packageUpgrade: true,
      users: [{ name: 'deploy', sshAuthorizedKeys: [KEY], groups: ['www-data', 'adm'] }],
      writeFiles: [{ path: '/etc/motd', content: 'yes\nhello\n' }],
      runcmd: ['systemctl enable --now nginx', ['touch', '/tmp/done']],
    }).render();
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    expect(parse(text)).toEqual({
      package_update: true,
      package_upgrade: true,
      packages: ['nginx', 'jq'],
      users: [
        'default',
        { name: 'deploy', groups: 'www-data, adm', shell: '/bin/bash', sudo: 'ALL=(ALL) NOPASSWD:ALL', ssh_authorized_keys: [KEY] },
      ],
      write_files: [{ path: '/etc/motd', content: 'yes\nhello\n', permissions: '0644', owner: 'root:root' }],
      runcmd: ['systemctl enable --now nginx', ['touch', '/tmp/done']],
    });
    expect(text).toMatchSnapshot();
  });

  test('quotes strings YAML 1.1 would read as booleans', () => {
    const text = UserData.cloudConfig({ runcmd: ['yes', 'on'] }).render();
    expect(text).toContain('- "yes"');
    expect(text).toContain('- "on"');
  });

  test('becomes MIME multipart with a shell script, config first', () => {
    const text = new UserData().addPackages('curl').addShellScript('#!/bin/sh\necho ready\n').render();
    expect(text).toMatch(/^Content-Type: multipart\/mixed; boundary="==METALFORGE-USERDATA-BOUNDARY=="\n/);
    const parts = text.split('--==METALFORGE-USERDATA-BOUNDARY==');
    expect(parts).toHaveLength(4);
    expect(parts[1]).toContain('Content-Type: text/cloud-config');
    expect(parts[1]).toContain('#cloud-config\npackages:\n  - curl');
    expect(parts[2]).toContain('Content-Type: text/x-shellscript');
    expect(parts[2]).toContain('#!/bin/sh\necho ready');
    expect(parts[3]).toBe('--\n');
    expect(text).toMatchSnapshot();
  });

  test('every problem is reported at once with the fix', () => {
    let error: MetalValidationError | undefined;
    try {
      UserData.cloudConfig({
        packages: ['nginx curl'],
        users: [{ name: 'Deploy' }, { name: 'ops', sshAuthorizedKeys: ['not-a-key'] }],
        writeFiles: [{ path: 'etc/app.conf', content: '', permissions: '644x' }],
        runcmd: [''],
        shellScripts: ['echo no shebang'],
      });
    } catch (err) {
      error = err as MetalValidationError;
    }
    expect(error).toBeInstanceOf(MetalValidationError);
    expect(error!.problems).toHaveLength(7);
    for (const fragment of [
      'package "nginx curl" is not a package name; give one name per entry',
      'user name "Deploy" is not a valid login; use lowercase letters',
      'user "ops" sshAuthorizedKeys[0] "not-a-key" is not an OpenSSH public key',
      'writeFiles path "etc/app.conf" is not absolute; use e.g. "/etc/app.conf"',
      'permissions "644x" is not octal; use e.g. "0644"',
      'runcmd[0] is empty',
      'shell script "echo no shebang" has no interpreter line; start it with "#!/bin/sh"',
    ]) {
      expect(error!.message).toContain(fragment);
    }
  });

  test('an invalid addition changes nothing', () => {
    const userData = new UserData().addPackages('git');
    expect(() => userData.addUser({ name: 'git' }).addUser({ name: 'git' })).toThrow('user "git" is defined twice');
    expect(userData.render()).toContain('name: git');
    expect(userData.render().match(/name: git/g)).toHaveLength(1);
  });
});
