#!/usr/bin/env bash
# Packs the five AuthCache packages and their symbols into artifacts/packages, the local NuGet feed the samples
# restore from (add it as a package source: <add key="local" value="../artifacts/packages" />).
#
#   samples/pack-local-feed.sh            # the version of Directory.Build.props (VersionPrefix)
#   samples/pack-local-feed.sh 0.2.0-dev  # another version
#
# NuGet caches a package by id and version in ~/.nuget/packages: a consumer that already restored this version keeps
# the cached copy, so repack under a new version (or clear that cache) to try a change.
set -euo pipefail
cd "$(dirname "$0")/.."

feed=artifacts/packages
rm -rf "$feed"
version_args=()
if [ $# -gt 0 ]; then
  version_args=("-p:Version=$1")
fi

dotnet pack Orleans.sln -c Release -o "$feed" -nologo "${version_args[@]}"
ls -1 "$feed"
