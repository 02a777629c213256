namespace Unicornet.Arbiter;
