#!/bin/sh
# ExecStart of e2e-report.service in the Debian guest (tests/e2e/debian-guest.sh):
# waits for the boot to finish, prints its state and failed units on the
# console as E2E-DEBIAN lines for the host, and powers the guest off.
state=$(systemctl is-system-running --wait)
echo "E2E-DEBIAN state=$state"
systemctl --failed --no-legend --plain | while read -r unit rest; do
    echo "E2E-DEBIAN failed: $unit $rest"
done
echo "E2E-DEBIAN kernel=$(uname -r) modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
echo "E2E-DEBIAN mmu: $(sed -n 's/^MMU[[:space:]]*: //p' /proc/cpuinfo) pagesize: $(getconf PAGESIZE)"
echo "E2E-DEBIAN boot: $(systemd-analyze time 2>/dev/null | head -1)"
echo "E2E-DEBIAN-END"
systemctl poweroff
