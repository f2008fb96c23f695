Console.WriteLine("CrisisComms benchmarks: see README, Performance.");
