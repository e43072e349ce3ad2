/** The binaries the physical flow runs (binary → Debian package), their versions and which are missing (edge: which, dpkg-query). */
/** The physical-flow tools, binary -> Debian package (what tools/setup.sh installs). */
export const PHYSICAL_TOOLS: Readonly<Record<string, string>> = {
  qflow: 'qflow',
  graywolf: 'graywolf',
  qrouter: 'qrouter',
  klayout: 'klayout',
  magic: 'magic',
  'netgen-lvs': 'netgen-lvs',
  sta: 'opensta',
  tcsh: 'tcsh',
};

/** Installed version of each physical tool's package (`missing` when absent): part of the cache key. */
export async function physicalToolVersions(): Promise<Record<string, string>> {
  const { execa } = await import('execa');
  const out: Record<string, string> = {};
  for (const [bin, pkg] of Object.entries(PHYSICAL_TOOLS)) {
    const which = await execa('which', [bin], { reject: false });
    if (which.exitCode !== 0) {
      out[bin] = 'missing';
      continue;
    }
    const r = await execa('dpkg-query', ['-W', '-f', '${Version}', pkg], { reject: false }).catch(() => undefined);
    out[bin] = r && r.exitCode === 0 ? r.stdout.trim() : 'present';
  }
  return out;
}

/** Binaries of the physical flow that are not on PATH. */
export async function missingPhysicalTools(): Promise<string[]> {
  const versions = await physicalToolVersions();
  return Object.entries(versions).filter(([, v]) => v === 'missing').map(([bin]) => bin);
}
