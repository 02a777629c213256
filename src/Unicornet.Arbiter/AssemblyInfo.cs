namespace Unicornet.Arbitration;
