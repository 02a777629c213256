// Loaded by unicornet.conf.csx with #load: shared values for several configs.
string SampleName = Environment.GetEnvironmentVariable("APP_NAME") ?? "sample";
