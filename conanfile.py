# ConanCenter-style recipe for edgekit. Not exercised by CI (no Conan client on
# the project's machines); kept small so it is easy to check by reading.
# Abseil's recipe sets compatibility_cppstd=False: consumers must build edgekit
# and Abseil with the same C++ standard.
import os

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeToolchain, CMakeDeps, cmake_layout
from conan.tools.files import copy

required_conan_version = ">=2.0"


class EdgekitConan(ConanFile):
    name = "edgekit"
    description = "Embeddable C++17 building blocks for edge tiers"
    license = "Apache-2.0"
    topics = ("http-cache", "rate-limiting", "jwt", "circuit-breaker", "canary")
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"shared": [True, False], "fPIC": [True, False],
               "with_jwt": [True, False], "with_redis": [True, False]}
    default_options = {"shared": False, "fPIC": True, "with_jwt": True, "with_redis": False}
    implements = ["auto_shared_fpic"]
    exports_sources = ("CMakeLists.txt", "cmake/*", "include/*", "src/*", "LICENSE")

    def layout(self):
        cmake_layout(self)

    def validate(self):
        check_min_cppstd(self, 17)

    def requirements(self):
        self.requires("abseil/[>=20220623]", transitive_headers=True)
        self.requires("openssl/[>=3 <4]")
        self.requires("xxhash/[>=0.8]")
        if self.options.with_jwt:
            self.requires("simdjson/[>=3]")
        if self.options.with_redis:
            self.requires("hiredis/[>=1]")

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["EDGEKIT_BUILD_TESTS"] = False
        tc.cache_variables["EDGEKIT_BUILD_BENCHMARKS"] = False
        tc.cache_variables["EDGEKIT_BUILD_EXAMPLES"] = False
        tc.cache_variables["EDGEKIT_INSTALL"] = True
        tc.cache_variables["EDGEKIT_WITH_JWT"] = bool(self.options.with_jwt)
        tc.cache_variables["EDGEKIT_WITH_REDIS"] = "ON" if self.options.with_redis else "OFF"
        tc.generate()
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        CMake(self).install()

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "edgekit")
        self.cpp_info.set_property("pkg_config_name", "edgekit")

        def component(name, requires, libs=True):
            c = self.cpp_info.components[name]
            c.set_property("cmake_target_name", f"edgekit::{name}")
            c.libs = [f"edgekit_{name}"] if libs else []
            c.requires = requires
            return c

        absl = ["abseil::abseil"]
        component("base", absl).system_libs = ["pthread"] if self.settings.os == "Linux" else []
        component("http", ["base"])
        component("coalesce", ["base"], libs=False)
        component("ratelimit", ["base", "http"], libs=False)
        component("cache", ["http", "coalesce"])
        component("breaker", ["base"])
        component("canary", ["base", "xxhash::xxhash", "openssl::crypto"])
        component("testing", ["base"], libs=False)
        if self.options.with_jwt:
            component("jwt", ["base", "openssl::crypto", "simdjson::simdjson"])
        if self.options.with_redis:
            component("redis", ["ratelimit", "cache", "hiredis::hiredis"]
                      + (["jwt"] if self.options.with_jwt else []))
