"""phonenumbers for TextDesk: what parsing, validation and time zones need, nothing more.

Replaces the pyinstaller-hooks-contrib hook (a hook in the spec's hookspath wins), which
collects every submodule: phonenumbers loads region metadata by name at run time, so those
modules must be listed, but the geocoder and carrier tables (~20 MB of source) serve features
TextDesk does not use.
"""

from PyInstaller.utils.hooks import collect_submodules

UNUSED = ("phonenumbers.geocoder", "phonenumbers.geodata", "phonenumbers.carrier")

hiddenimports = collect_submodules("phonenumbers", filter=lambda name: not name.startswith(UNUSED))
excludedimports = [*UNUSED, "phonenumbers.carrierdata"]
