#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests and for trying `--executor slurm`:
#   bash tools/slurm-local.sh start    munge, slurmctld and slurmd (Debian's slurmctld, slurmd, slurm-client, munge)
#   bash tools/slurm-local.sh stop     the daemons stopped by their PIDs
#   bash tools/slurm-local.sh status
# State, spool, logs and slurm.conf live in $HARDWIRE_SLURM_DIR (default /tmp/hardwire-slurm). Jobs find the
# configuration through /etc/slurm/slurm.conf (a link to ours, made only when no configuration is there) or
# SLURM_CONF. No systemd and no cgroups needed: proctrack/linuxproc, task/none, select/cons_tres with CR_CPU.
set -euo pipefail
DIR=${HARDWIRE_SLURM_DIR:-/tmp/hardwire-slurm}
CONF="$DIR/slurm.conf"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

need() {
  for bin in munged slurmctld slurmd sbatch sinfo; do
    if ! command -v "$bin" >/dev/null 2>&1; then
      echo "slurm-local: $bin is not installed (apt-get install slurmctld slurmd slurm-client munge)" >&2
      exit 2
    fi
  done
}

stop_pid() {
  local file=$1
  [ -f "$file" ] || return 0
  local pid; pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    $SUDO kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$file"
}

case "${1:-}" in
  start)
    need
    mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"
    # munge: the key (made once), its run folder, the daemon as the munge user.
    if ! munge -n </dev/null >/dev/null 2>&1; then
      $SUDO install -d -o munge -g munge -m 0755 /run/munge
      if [ ! -s /etc/munge/munge.key ]; then
        $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
        $SUDO chown munge:munge /etc/munge/munge.key && $SUDO chmod 0400 /etc/munge/munge.key
      fi
      $SUDO runuser -u munge -- munged
      for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
    fi
    host=$(hostname -s)
    mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
    cat > "$CONF.tmp" <<EOF
ClusterName=hardwire
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MailProg=/bin/true
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
NodeName=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    mv "$CONF.tmp" "$CONF"
    if [ ! -e /etc/slurm/slurm.conf ] || [ "$(readlink /etc/slurm/slurm.conf 2>/dev/null)" = "$CONF" ]; then
      $SUDO mkdir -p /etc/slurm && $SUDO ln -sfn "$CONF" /etc/slurm/slurm.conf
    fi
    export SLURM_CONF="$CONF"
    if [ -f "$DIR/slurmctld.pid" ] && kill -0 "$(cat "$DIR/slurmctld.pid")" 2>/dev/null && sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
      echo "slurm-local: already up ($host); configuration $CONF"
      exit 0
    fi
    stop_pid "$DIR/slurmd.pid"
    stop_pid "$DIR/slurmctld.pid"
    $SUDO env SLURM_CONF="$CONF" slurmctld -f "$CONF"
    $SUDO env SLURM_CONF="$CONF" slurmd -f "$CONF"
    for _ in $(seq 100); do
      if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
        echo "slurm-local: one node ($host, $(nproc) CPUs) up; configuration $CONF"
        exit 0
      fi
      sleep 0.2
    done
    echo "slurm-local: the node did not come up in 20 s; logs in $DIR/log" >&2
    exit 1
    ;;
  stop)
    stop_pid "$DIR/slurmd.pid"
    stop_pid "$DIR/slurmctld.pid"
    echo "slurm-local: stopped (munged left running)"
    ;;
  status)
    SLURM_CONF="$CONF" sinfo
    ;;
  *)
    echo "usage: bash tools/slurm-local.sh start|stop|status" >&2
    exit 2
    ;;
esac
