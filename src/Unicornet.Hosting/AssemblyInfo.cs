namespace Unicornet.Hosting;
