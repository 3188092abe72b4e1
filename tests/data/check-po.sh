#!/bin/sh
# Every language in po/LINGUAS has a .po that msgfmt accepts with format checks.
set -u
po_dir="$1"
status=0
for lang in $(sed -e 's/#.*//' "$po_dir/LINGUAS"); do
  if ! msgfmt --check --check-format -o /dev/null "$po_dir/$lang.po"; then
    echo "$lang.po: msgfmt --check failed"
    status=1
  fi
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po_dir/$lang.po" | grep -c '^msgid ' || true)
  untranslated=$(msgattrib --untranslated --no-obsolete "$po_dir/$lang.po" | grep -c '^msgid ' || true)
  if [ "$fuzzy" -gt 0 ] || [ "$untranslated" -gt 1 ]; then
    # msgattrib prints the header too whenever it prints any untranslated entry
    echo "$lang.po: $fuzzy fuzzy and $untranslated untranslated entries"
    status=1
  fi
done
exit $status
