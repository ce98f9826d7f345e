import COpenCL

/// What a device allows a work-group, read once when the backend starts: the launch shapes of
/// the fused loops and of the skinny GEMMs are chosen from these.
struct OpenCLDeviceLimits {
    var localMemoryBytes: Int
    var maxWorkItemSizes: [Int]
    var isGPU: Bool
    var computeUnits: Int

    init(_ entry: OpenCLDeviceEntry) {
        localMemoryBytes = Int(OpenCLDiscovery.deviceValue(entry.device, CL_DEVICE_LOCAL_MEM_SIZE, as: cl_ulong.self))
        var sizes = [Int](repeating: 0, count: 3)
        clGetDeviceInfo(entry.device, cl_device_info(CL_DEVICE_MAX_WORK_ITEM_SIZES), 3 * MemoryLayout<Int>.size, &sizes, nil)
        maxWorkItemSizes = sizes
        isGPU = entry.isGPU
        computeUnits = Swift.max(entry.info.computeUnits, 1)
    }
}
