import COpenCL
import Foundation

/// One OpenCL device found on this machine, with what `recur devices` prints about it.
public struct OpenCLDeviceEntry: @unchecked Sendable {
    public let info: DeviceInfo
    /// GPUs are preferred when no device is named.
    public let isGPU: Bool
    /// Positions in the ICD loader's platform list and in that platform's device list, as
    /// OpenCL tools such as CLBlast's tuners (`-platform P -device D`) number them.
    public let platformIndex: Int
    public let deviceIndex: Int
    let platform: cl_platform_id
    let device: cl_device_id
}

/// Enumerates every OpenCL platform and device. An absent ICD loader configuration or driver
/// yields an empty list and the reason, never a crash.
public enum OpenCLDiscovery {
    public struct Result: Sendable {
        public var devices: [OpenCLDeviceEntry]
        /// Why the list is empty, when it is.
        public var problem: String?
    }

    public static func discover() -> Result {
        var platformCount: cl_uint = 0
        let status = clGetPlatformIDs(0, nil, &platformCount)
        guard status == CL_SUCCESS, platformCount > 0 else {
            let reason = status == CL_SUCCESS || status == -1001 ? "no OpenCL driver is installed" : "OpenCL is unusable (\(OpenCLStatus.name(status)))"
            return Result(devices: [], problem: reason)
        }
        var platforms = [cl_platform_id?](repeating: nil, count: Int(platformCount))
        guard clGetPlatformIDs(platformCount, &platforms, nil) == CL_SUCCESS else {
            return Result(devices: [], problem: "clGetPlatformIDs failed")
        }
        var entries: [OpenCLDeviceEntry] = []
        for (platformIndex, platform) in platforms.enumerated() {
            guard let platform else { continue }
            let platformName = platformString(platform, CL_PLATFORM_NAME)
            var deviceCount: cl_uint = 0
            guard clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &deviceCount) == CL_SUCCESS, deviceCount > 0 else { continue }
            var devices = [cl_device_id?](repeating: nil, count: Int(deviceCount))
            guard clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), deviceCount, &devices, nil) == CL_SUCCESS else { continue }
            for (deviceIndex, device) in devices.enumerated() {
                guard let device else { continue }
                let index = entries.count
                let info = DeviceInfo(
                    kind: .opencl, identifier: "opencl:\(index)",
                    name: deviceString(device, CL_DEVICE_NAME), platform: platformName,
                    version: deviceString(device, CL_DEVICE_VERSION), driver: deviceString(device, CL_DRIVER_VERSION),
                    computeUnits: Int(deviceValue(device, CL_DEVICE_MAX_COMPUTE_UNITS, as: cl_uint.self)),
                    globalMemoryBytes: deviceValue(device, CL_DEVICE_GLOBAL_MEM_SIZE, as: cl_ulong.self),
                    maxAllocationBytes: deviceValue(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, as: cl_ulong.self))
                let type = deviceValue(device, CL_DEVICE_TYPE, as: cl_device_type.self)
                entries.append(OpenCLDeviceEntry(info: info, isGPU: type & cl_device_type(CL_DEVICE_TYPE_GPU) != 0,
                                                 platformIndex: platformIndex, deviceIndex: deviceIndex, platform: platform, device: device))
            }
        }
        return Result(devices: entries, problem: entries.isEmpty ? "the OpenCL platforms have no devices" : nil)
    }

    static func platformString(_ platform: cl_platform_id, _ param: Int32) -> String {
        infoString { clGetPlatformInfo(platform, cl_platform_info(param), $0, $1, $2) }
    }

    static func deviceString(_ device: cl_device_id, _ param: Int32) -> String {
        infoString { clGetDeviceInfo(device, cl_device_info(param), $0, $1, $2) }
    }

    /// Runs an OpenCL `clGet*Info` query twice (size, then value) and decodes the C string.
    static func infoString(_ query: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int) -> String {
        var size = 0
        guard query(0, nil, &size) == CL_SUCCESS, size > 0 else { return "?" }
        var bytes = [UInt8](repeating: 0, count: size)
        _ = bytes.withUnsafeMutableBytes { query(size, $0.baseAddress, nil) }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    static func deviceValue<T: FixedWidthInteger>(_ device: cl_device_id, _ param: Int32, as: T.Type) -> T {
        var value: T = 0
        clGetDeviceInfo(device, cl_device_info(param), MemoryLayout<T>.size, &value, nil)
        return value
    }
}

