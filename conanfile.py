# ConanCenter-shaped recipe for edgekit (Conan 2). Its components mirror the
# CMake targets edgekit::<c> and their real dependencies; test_package/ builds
# and runs a program against the package. No Conan client runs in edgekit's
# CI: scripts/consumers builds test_package's CMake project against an install
# tree instead.
import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import collect_libs, copy, load, rmdir
from conan.tools.scm import Version

required_conan_version = ">=2.0.9"

# The Abseil targets edgekit::base links (EDGEKIT_ABSL_COMMON in CMakeLists.txt).
_ABSL_COMMON = [
    "base", "core_headers", "strings", "str_format", "status", "statusor", "time", "span",
    "hash", "flat_hash_map", "flat_hash_set", "node_hash_map", "inlined_vector", "fixed_array",
    "function_ref", "any_invocable", "cleanup", "optional", "variant", "bits", "int128",
    "random_random",
]


class EdgekitConan(ConanFile):
    name = "edgekit"
    description = ("Embeddable C++17 building blocks for edge tiers: HTTP cache, "
                   "single-flight coalescer, rate limiters, JWT verifier, circuit breaker, "
                   "canary hasher, Redis fleet backends")
    license = "Apache-2.0"
    topics = ("http-cache", "rate-limiting", "jwt", "circuit-breaker", "canary", "cdn")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {
        "shared": [True, False],
        "fPIC": [True, False],
        "with_jwt": [True, False],
        "with_canary": [True, False],
        "with_cache_disk": [True, False],
        "with_redis": [True, False],
    }
    default_options = {
        "shared": False,
        "fPIC": True,
        "with_jwt": True,
        "with_canary": True,
        "with_cache_disk": True,
        "with_redis": False,
    }
    implements = ["auto_shared_fpic"]
    exports_sources = "CMakeLists.txt", "cmake/*", "include/*", "src/*", "LICENSE"

    @property
    def _min_cppstd(self):
        return 17

    @property
    def _compilers_minimum_version(self):
        # What edgekit is built and tested with (README, "Using edgekit").
        return {"gcc": "12", "clang": "14", "apple-clang": "15"}

    def set_version(self):
        header = load(self, os.path.join(self.recipe_folder, "include", "edgekit", "version.h"))
        parts = [re.search(rf"#define EDGEKIT_VERSION_{p} (\d+)", header).group(1)
                 for p in ("MAJOR", "MINOR", "PATCH")]
        self.version = ".".join(parts)

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        # Public headers use Abseil vocabulary types.
        self.requires("abseil/20240116.2", transitive_headers=True)
        if self.options.with_jwt or self.options.with_canary or self.options.with_redis:
            # The one dependency ConanCenter lets recipes give as a range.
            self.requires("openssl/[>=3 <4]")
        if self.options.with_jwt:
            self.requires("simdjson/3.11.2")
        if self.options.with_canary or self.options.with_cache_disk:
            self.requires("xxhash/0.8.2")
        if self.options.with_redis:
            self.requires("hiredis/1.2.0")
            self.requires("libevent/2.1.12")

    def validate(self):
        check_min_cppstd(self, self._min_cppstd)
        minimum = self._compilers_minimum_version.get(str(self.settings.compiler))
        if minimum and Version(self.settings.compiler.version) < minimum:
            raise ConanInvalidConfiguration(
                f"{self.ref} needs {self.settings.compiler} >= {minimum} (C++17 with "
                "the library features edgekit uses)")
        if self.options.with_redis and self.settings.os == "Windows":
            raise ConanInvalidConfiguration(
                f"{self.ref}: with_redis uses POSIX sockets and poll(); "
                "not available on Windows")

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["EDGEKIT_BUILD_TESTS"] = False
        tc.cache_variables["EDGEKIT_BUILD_BENCHMARKS"] = False
        tc.cache_variables["EDGEKIT_BUILD_EXAMPLES"] = False
        tc.cache_variables["EDGEKIT_INSTALL"] = True
        # ON, not AUTO: a component the options ask for must be built.
        for option, variable in (("with_jwt", "EDGEKIT_WITH_JWT"),
                                 ("with_canary", "EDGEKIT_WITH_CANARY"),
                                 ("with_cache_disk", "EDGEKIT_WITH_CACHE_DISK"),
                                 ("with_redis", "EDGEKIT_WITH_REDIS")):
            tc.cache_variables[variable] = "ON" if self.options.get_safe(option) else "OFF"
        tc.generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        CMake(self).install()
        # Conan's generators describe the package; edgekit's own CMake config
        # and pkg-config files would compete with them.
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "lib", "pkgconfig"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "edgekit")
        self.cpp_info.set_property("cmake_target_name", "edgekit::edgekit")
        self.cpp_info.set_property("pkg_config_name", "edgekit")
        # Header-only components have no library; which ones are compiled is
        # what the package holds (src/<c>/ has .cc files).
        built = set(collect_libs(self))

        def component(name, requires):
            c = self.cpp_info.components[name]
            c.set_property("cmake_target_name", f"edgekit::{name}")
            c.set_property("pkg_config_name", f"edgekit_{name}")
            lib = f"edgekit_{name}"
            c.libs = [lib] if lib in built else []
            c.requires = requires
            if self.options.shared and c.libs:
                c.defines = ["EDGEKIT_SHARED"]
            return c

        base = component("base", [f"abseil::absl_{n}" for n in _ABSL_COMMON])
        if self.settings.os in ("Linux", "FreeBSD"):
            base.system_libs = ["pthread"]
        component("http", ["base"])
        component("coalesce", ["base"])
        component("ratelimit", ["base"])
        component("cache", ["http", "coalesce"])
        if self.options.with_cache_disk:
            component("cache_disk", ["cache", "xxhash::xxhash"])
        component("breaker", ["base"])
        component("testing", ["base"])
        if self.options.with_canary:
            component("canary", ["base", "xxhash::xxhash"])
            component("canary_vendor", ["base", "openssl::crypto"])
        if self.options.with_jwt:
            component("jwt", ["base", "openssl::crypto", "simdjson::simdjson"])
            component("jwt_testing", ["jwt", "openssl::crypto"])
        if self.options.with_redis:
            # The core: clients, Cluster routing, limiters. The adapters are
            # components of their own (revocation sync needs jwt).
            component("redis", ["ratelimit", "hiredis::hiredis", "libevent::core"])
            component("redis_cache", ["redis", "cache"])
            if self.options.with_jwt:
                component("redis_jwt", ["redis", "jwt"])
