/**
 * cloud-init user data from typed parts: a `#cloud-config` document (packages, users with SSH keys, write_files,
 * runcmd) and, when shell scripts are added, a MIME multipart message holding the config and each script.
 */
import { stringify } from 'yaml';
import { publicKeyProblem } from './ssh-key';
import { known, Problems, quote } from './validation';

export interface CloudConfigUser {
  /** The login name (lowercase letters, digits, `_` and `-`, at most 32 characters). */
  readonly name: string;
  /**
   * OpenSSH public keys allowed to log in as the user.
   * @default - none (password login is disabled by cloud-init's default)
   */
  readonly sshAuthorizedKeys?: readonly string[];
  /**
   * A sudoers rule for the user.
   * @default - "ALL=(ALL) NOPASSWD:ALL"
   */
  readonly sudo?: string | false;
  /**
   * Supplementary groups.
   * @default - none
   */
  readonly groups?: readonly string[];
  /**
   * The login shell.
   * @default - /bin/bash
   */
  readonly shell?: string;
}

export interface CloudConfigFile {
  /** The absolute path of the file on the machine. */
  readonly path: string;
  /** The file's content. */
  readonly content: string;
  /**
   * Octal permissions, e.g. "0644".
   * @default - "0644"
   */
  readonly permissions?: string;
  /**
   * Owner as user:group.
   * @default - "root:root"
   */
  readonly owner?: string;
}

export interface UserDataProps {
  /**
   * Packages to install (the distribution's names).
   * @default - none
   */
  readonly packages?: readonly string[];
  /**
   * Whether to update the package index and upgrade packages on first boot.
   * @default - false
   */
  readonly packageUpgrade?: boolean;
  /**
   * Users to create, after the image's default user.
   * @default - only the image's default user
   */
  readonly users?: readonly CloudConfigUser[];
  /**
   * Files to write.
   * @default - none
   */
  readonly writeFiles?: readonly CloudConfigFile[];
  /**
   * Commands to run once on first boot, each a shell string or an argv list.
   * @default - none
   */
  readonly runcmd?: ReadonlyArray<string | readonly string[]>;
  /**
   * Shell scripts (each starting with `#!`) run once on first boot; any script makes the user data a MIME
   * multipart message.
   * @default - none
   */
  readonly shellScripts?: readonly string[];
}

const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const PERMISSIONS = /^0?[0-7]{3,4}$/;
const BOUNDARY = '==METALFORGE-USERDATA-BOUNDARY==';

export class UserData {
  /** A `#cloud-config` document (multipart once a shell script is added). Throws listing every problem. */
  public static cloudConfig(props: UserDataProps = {}): UserData {
    const userData = new UserData();
    const problems = new Problems();
    userData.collect(props, problems);
    problems.throwIfAny('UserData.cloudConfig');
    return userData;
  }

  private readonly packages: string[] = [];
  private packageUpgrade = false;
  private readonly users: CloudConfigUser[] = [];
  private readonly files: CloudConfigFile[] = [];
  private readonly commands: Array<string | readonly string[]> = [];
  private readonly scripts: string[] = [];
  /** The last rendering; one UserData is often shared by many devices. */
  private rendered?: string;

  public addPackages(...names: string[]): this {
    return this.apply({ packages: names }, 'addPackages');
  }

  public addUser(user: CloudConfigUser): this {
    return this.apply({ users: [user] }, 'addUser');
  }

  public addFile(file: CloudConfigFile): this {
    return this.apply({ writeFiles: [file] }, 'addFile');
  }

  public addCommands(...commands: Array<string | readonly string[]>): this {
    return this.apply({ runcmd: commands }, 'addCommands');
  }

  public addShellScript(script: string): this {
    return this.apply({ shellScripts: [script] }, 'addShellScript');
  }

  /** The user data text for `metal_device.user_data`. */
  public render(): string {
    this.rendered ??= this.renderMessage();
    return this.rendered;
  }

  public toString(): string {
    return this.render();
  }

  private renderMessage(): string {
    const config = this.renderCloudConfig();
    if (this.scripts.length === 0) return config;
    const parts = [
      { type: 'text/cloud-config', name: 'cloud-config.yaml', body: config },
      ...this.scripts.map((body, i) => ({ type: 'text/x-shellscript', name: `script-${i + 1}.sh`, body })),
    ];
    return [
      `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
      'MIME-Version: 1.0',
      '',
      ...parts.flatMap((part) => [
        `--${BOUNDARY}`,
        `Content-Type: ${part.type}; charset="utf-8"`,
        'MIME-Version: 1.0',
        'Content-Transfer-Encoding: 7bit',
        `Content-Disposition: attachment; filename="${part.name}"`,
        '',
        part.body.endsWith('\n') ? part.body.slice(0, -1) : part.body,
      ]),
      `--${BOUNDARY}--`,
      '',
    ].join('\n');
  }

  private renderCloudConfig(): string {
    const doc: Record<string, unknown> = {};
    if (this.packageUpgrade) {
      doc.package_update = true;
      doc.package_upgrade = true;
    }
    if (this.packages.length) doc.packages = this.packages;
    if (this.users.length) {
      doc.users = [
        'default',
        ...this.users.map((u) => ({
          name: u.name,
          ...(u.groups?.length ? { groups: u.groups.join(', ') } : {}),
          shell: u.shell ?? '/bin/bash',
          ...(u.sudo === false ? {} : { sudo: u.sudo ?? 'ALL=(ALL) NOPASSWD:ALL' }),
          ...(u.sshAuthorizedKeys?.length ? { ssh_authorized_keys: u.sshAuthorizedKeys } : {}),
        })),
      ];
    }
    if (this.files.length) {
      doc.write_files = this.files.map((f) => ({
        path: f.path,
        content: f.content,
        permissions: f.permissions ?? '0644',
        owner: f.owner ?? 'root:root',
      }));
    }
    if (this.commands.length) doc.runcmd = this.commands;
    // cloud-init reads YAML 1.1 (yes/no/on/off are booleans there), so strings are quoted as 1.1 needs.
    const body = Object.keys(doc).length ? stringify(doc, { lineWidth: 0, version: '1.1' }) : '';
    return `#cloud-config\n${body}`;
  }

  private apply(props: UserDataProps, method: string): this {
    const problems = new Problems();
    this.collect(props, problems);
    problems.throwIfAny(`UserData.${method}`);
    return this;
  }

  /** Validates the parts, and adds them only when all are valid. */
  private collect(props: UserDataProps, problems: Problems): void {
    const before = problems.count;
    for (const name of props.packages ?? []) {
      if (known(name) && !/^[A-Za-z0-9][A-Za-z0-9.+:~_=-]*$/.test(name)) {
        problems.add(`package ${quote(name)} is not a package name; give one name per entry, e.g. "nginx"`);
      }
    }
    for (const user of props.users ?? []) {
      if (known(user.name) && !USER_NAME.test(user.name)) {
        problems.add(
          `user name ${quote(user.name)} is not a valid login; use lowercase letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters`,
        );
      }
      if (known(user.name) && [...this.users, ...(props.users ?? [])].filter((u) => u.name === user.name).length > 1) {
        problems.add(`user ${quote(user.name)} is defined twice; merge the two definitions`);
      }
      (user.sshAuthorizedKeys ?? []).forEach((key, i) => {
        const problem = publicKeyProblem(`user ${quote(user.name)} sshAuthorizedKeys[${i}]`, key);
        if (problem) problems.add(problem);
      });
    }
    for (const file of props.writeFiles ?? []) {
      if (known(file.path) && !file.path.startsWith('/')) {
        problems.add(`writeFiles path ${quote(file.path)} is not absolute; use e.g. ${quote(`/${file.path.replace(/^\.?\/*/, '')}`)}`);
      }
      if (known(file.permissions) && !PERMISSIONS.test(file.permissions)) {
        problems.add(`writeFiles ${quote(file.path)} permissions ${quote(file.permissions)} is not octal; use e.g. "0644" or "0755"`);
      }
    }
    (props.runcmd ?? []).forEach((cmd, i) => {
      if (known(cmd) && (cmd.length === 0 || (typeof cmd === 'string' && cmd.trim() === ''))) {
        problems.add(`runcmd[${i}] is empty; remove it or give a command`);
      }
    });
    for (const script of props.shellScripts ?? []) {
      if (known(script) && !script.startsWith('#!')) {
        problems.add(
          `shell script ${quote(script.split('\n')[0].slice(0, 40))} has no interpreter line; start it with "#!/bin/sh" or "#!/bin/bash"`,
        );
      }
    }
    for (const text of [...(props.writeFiles ?? []).map((f) => f.content), ...(props.shellScripts ?? [])]) {
      if (known(text) && text.includes(BOUNDARY))
        problems.add(`a file or script contains the MIME boundary ${quote(BOUNDARY)}; it cannot be embedded`);
    }
    if (problems.count > before) return;
    this.rendered = undefined;
    this.packages.push(...(props.packages ?? []));
    this.packageUpgrade ||= props.packageUpgrade ?? false;
    this.users.push(...(props.users ?? []));
    this.files.push(...(props.writeFiles ?? []));
    this.commands.push(...(props.runcmd ?? []));
    this.scripts.push(...(props.shellScripts ?? []));
  }
}
