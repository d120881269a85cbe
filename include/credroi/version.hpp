#pragma once
// The one place the version is written; CMakeLists.txt reads it from here.
#define CREDROI_VERSION_MAJOR 0
#define CREDROI_VERSION_MINOR 1
#define CREDROI_VERSION_PATCH 0
#define CREDROI_VERSION_STRING "0.1.0"
