import ArgumentParser
import RecurCompute

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List every OpenCL platform and device, and the CPU backend.",
        discussion: """
        Pass a device's identifier (opencl:0), its index, a part of its name, or cpu to --device.

        Examples:
          recur devices
        """)

    func run() throws {
        let selector = BackendSelector()
        var rows: [[String]] = []
        for info in selector.deviceInfos {
            rows.append([info.identifier, info.name, info.platform, info.version, info.driver, "\(info.computeUnits)",
                         Table.bytes(info.globalMemoryBytes)])
        }
        print(Table.render(header: ["device", "name", "platform", "version", "driver", "compute units", "memory"], rows: rows))
        if let problem = selector.discoveryProblem {
            print("\nOpenCL: \(problem); install one (pocl-opencl-icd, or your GPU vendor's) to use a GPU.")
        }
        if let automatic = try? selector.entry(for: .automatic) {
            print("\n--device auto picks \(automatic.info.identifier) (\(automatic.info.name)).")
        } else {
            print("\n--device auto picks the CPU backend.")
        }
    }
}
